"""Reader comments: filled by the comments issue."""
