# placeholder __VENV_DIR__
