# Hypothesis 3: SegFormer-B0 with softened class weights (inverse square root of the share):
# a tiny background weight makes the model paint animals over background (reference notes).
# From the same reference shares: w_c = (1 / sqrt(share_c)) normalised to mean 1. Recompute:
#   petseg class-weights --data-root data/<name> --method sqrt
_base_ = ['./hyp2_segformer_b0_wce.py']

class_weight = [0.3017, 1.2885, 1.4098]
model = dict(decode_head=dict(loss_decode=dict(class_weight=class_weight)))
