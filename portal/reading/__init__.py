"""Reading regulations: the current version with clause anchors, history, the static site."""
