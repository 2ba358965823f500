# Hypothesis 6: SegFormer-B0 with a Tversky loss, alpha = beta = 0.5 (reference: a
# model-assisted relabelling project). mmseg's own TverskyLoss: softmax, 255 masked out,
# mean over classes of per-image Tversky indices (checked by hand in
# tests/mmseg_ext/test_losses.py). alpha = beta = 0.5 weighs false positives and false
# negatives alike (a per-image soft Dice); it replaces hyp1's CE + Dice.
_base_ = ['./hyp1_segformer_b0.py']

model = dict(
    decode_head=dict(
        loss_decode=dict(
            _delete_=True,
            type='TverskyLoss',
            alpha=0.5,
            beta=0.5,
            smooth=1.0,
            loss_weight=1.0,
        )
    )
)
