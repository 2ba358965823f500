# Swin recipe (mmseg's swin configs): the SegFormer schedule's AdamW 6e-5, warm-up and poly
# decay, with no weight decay on norms and the position tables (and no head lr multiplier).
_base_ = ['./adamw_poly_4k.py']

optim_wrapper = dict(
    paramwise_cfg=dict(
        _delete_=True,
        custom_keys={
            'absolute_pos_embed': dict(decay_mult=0.0),
            'relative_position_bias_table': dict(decay_mult=0.0),
            'norm': dict(decay_mult=0.0),
        },
    )
)
