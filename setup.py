# Kept for tools that still install apps with setuptools; pyproject.toml is the source of truth.
from setuptools import find_packages, setup

from opportunity_plus import __version__ as version

setup(
	name="opportunity_plus",
	version=version,
	description="Sales pipelines, kanban board and analysis on ERPNext Opportunity",
	author="Opportunity Plus Contributors",
	author_email="developers@example.com",
	packages=find_packages(),
	zip_safe=False,
	include_package_data=True,
	install_requires=[],
)
