# Binary pet vs background on the cats/dogs layout (pets.py): the masks stay 0 background,
# 1 cat, 2 dog, 255 ignore on disk (demo data, `petseg convert-oxford-pet --border ignore`);
# MergePetClasses maps cat and dog to pet (1) in the pipeline, 0 and 255 stay.
# It sits right before PackSegInputs, so that train_pipeline index 4 is still RandomCrop and
# test_pipeline index 1 still Resize (the CPU recipe's --cfg-options).
_base_ = ['./pets.py']

num_classes = 2  # model.decode_head.num_classes of a binary config
metainfo = dict(classes=('background', 'pet'), palette=[[0, 0, 0], [220, 20, 60]])
merge_pets = dict(type='MergePetClasses', pet_labels=(1, 2), pet_label=1)
train_pipeline = [*_base_.train_pipeline[:-1], merge_pets, _base_.train_pipeline[-1]]
test_pipeline = [*_base_.test_pipeline[:-1], merge_pets, _base_.test_pipeline[-1]]
train_dataloader = dict(dataset=dict(metainfo=metainfo, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(metainfo=metainfo, pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(metainfo=metainfo, pipeline=test_pipeline))
