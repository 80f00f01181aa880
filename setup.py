"""MissionPlace: a Plone 6.2 workspace for Permanent Missions and the UN Secretariat."""

from pathlib import Path
from setuptools import find_packages
from setuptools import setup

HERE = Path(__file__).parent
long_description = (HERE / "README.md").read_text() + "\n\n" + (HERE / "CHANGES.rst").read_text()

setup(
    name="missionplace",
    version="1.0.0.dev0",
    description="Collaboration workspace for Permanent Missions and the UN Secretariat",
    long_description=long_description,
    long_description_content_type="text/markdown",
    classifiers=[
        "Environment :: Web Environment",
        "Framework :: Plone",
        "Framework :: Plone :: 6.2",
        "Framework :: Plone :: Addon",
        "Programming Language :: Python :: 3.11",
        "License :: OSI Approved :: GNU General Public License v2 (GPLv2)",
    ],
    license="GPL-2.0-only",
    python_requires=">=3.11,<3.12",
    package_dir={"": "src"},
    packages=find_packages("src"),
    # profiles/ and policies/ live at the top of the repository, where
    # reviewers look for them; src/missionplace/profiles and .../policies are
    # symlinks to them, so the checkout and a built wheel see the same files.
    package_data={
        "missionplace": [
            "*.zcml",
            "**/*.zcml",
            "**/*.pt",
            "**/*.json",
            "**/*.png",
            "**/*.svg",
            "**/*.css",
            # Form models (forms/<model>/fields.xml, actions.xml) and data files.
            "forms/*/*.xml",
            "**/data/*.csv",
            "**/data/*.toml",
            "locales/*.pot",
            "locales/*/LC_MESSAGES/*.po",
            "locales/*/LC_MESSAGES/*.mo",
            "profiles/**/*",
            "policies/**/*",
        ],
        # The instance's own package (src/missionplace_instance): its ZCML.
        "missionplace_instance": ["*.zcml"],
    },
    zip_safe=False,
    install_requires=[
        "Plone",
        "Products.CMFPlone",
        "plone.api",
        "plone.restapi",
        "plone.app.multilingual",
        "plone.app.iterate",
        "plone.app.caching",
        "collective.easyform",
        # Security: spam protection of public forms (login throttling is our own: security/logins.py).
        "collective.honeypot",
        # Each instance's own mail queue folder and SMTP server (mail/configure.zcml).
        "collective.monkeypatcher",
        # CandiWeb's exports (XLSX) and its iCal feed of election dates.
        "openpyxl",
        "icalendar",
        # For missionplace_instance (the instance command), not the add-on: RelStorage on PostgreSQL.
        "RelStorage",
        "psycopg2-binary",
    ],
    extras_require={
        "test": [
            "pytest",
            "pytest-plone",
            # Two workers: most tests wait on a server in their own process.
            "pytest-xdist",
            "aiosmtpd",
            "plone.app.testing",
            "plone.restapi[test]",
            "playwright",
            "requests",
            "pypdf",
            "zc.buildout>=5",
            "plone.recipe.zope2instance",
            "ruff",
            "i18ndude",
            # The benchmarks (benchmarks/, `make bench`; its smoke run is part of the suite).
            "locust",
        ],
    },
    entry_points={
        "z3c.autoinclude.plugin": ["target = plone"],
        "console_scripts": [
            "missionplace-instance = missionplace_instance.instance:main",
        ],
    },
)
