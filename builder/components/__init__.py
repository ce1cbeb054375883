"""What a page can hold, one module per kind: content blocks in :mod:`builder.components.blocks`."""
