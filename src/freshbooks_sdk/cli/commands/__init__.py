"""The ``freshbooks`` commands, one module per group (each ``cmd_*`` takes args, env, console)."""
