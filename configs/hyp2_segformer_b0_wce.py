# Hypothesis 2: SegFormer-B0 with class-weighted cross-entropy (inverse pixel frequency).
# Weights from the reference train pixel shares (background 0.9086, cat 0.0498, dog 0.0416):
# w_c = (1 / share_c) normalised to mean 1. Recompute them for your data with
#   petseg class-weights --data-root data/<name> --method inverse
# and pass the printed line, e.g. --cfg-options model.decode_head.loss_decode.class_weight="[...]"
_base_ = ['./hyp1_segformer_b0.py']

class_weight = [0.073, 1.3322, 1.5948]
model = dict(
    decode_head=dict(
        # Replaces hyp1's CE + Dice list with one weighted CE.
        loss_decode=dict(
            _delete_=True,
            type='WeightedCrossEntropyLoss',
            class_weight=class_weight,
            loss_weight=1.0,
        )
    )
)
