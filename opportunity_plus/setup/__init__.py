"""Install, migrate and uninstall code of opportunity_plus."""
