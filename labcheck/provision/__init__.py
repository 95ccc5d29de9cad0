"""The lab's starting resources: the CloudFormation stack, the Pillow layer, the lab image,
finding them again, and cleaning them up."""
