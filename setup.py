from setuptools import find_packages, setup


def read_version() -> str:
    """``__version__`` of pixmim_plugin/version.py, without importing the
    package (its dependencies may not be installed yet)."""
    scope = {}
    with open('pixmim_plugin/version.py', encoding='utf-8') as f:
        exec(f.read(), scope)
    return scope['__version__']


setup(
    name='pixmim-plugin',
    version=read_version(),
    description='PixMIM and masked frequency modeling for mmpretrain 1.x',
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['pixmim_plugin', 'pixmim_plugin.*']),
    python_requires='>=3.10',
    install_requires=['mmengine>=0.10.0', 'mmpretrain>=1.2.0'],
    extras_require={
        'det': ['mmdet>=3.3.0'],
        'seg': ['mmsegmentation>=1.2.2', 'ftfy', 'regex'],
        'tests': ['pytest', 'pytest-timeout'],
        # the versions .pre-commit-config.yaml pins, so `make lint` and the
        # hooks agree
        'lint': ['flake8==7.1.1', 'isort==5.13.2', 'yapf==0.40.2'],
    },
    license='Apache License 2.0',
)
