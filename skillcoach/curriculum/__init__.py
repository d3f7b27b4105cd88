"""The curriculum: skills, objectives and items as validated models, loaded from YAML, searched and cited."""
