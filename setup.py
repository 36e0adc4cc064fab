from setuptools import find_packages, setup

setup(
    name='pixmim-plugin',
    version='0.1.0',
    description='PixMIM and masked frequency modeling for mmpretrain 1.x',
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['pixmim_plugin', 'pixmim_plugin.*']),
    python_requires='>=3.8',
    install_requires=['mmengine>=0.10.0', 'mmpretrain>=1.2.0'],
    extras_require={
        'det': ['mmdet>=3.3.0'],
        'seg': ['mmsegmentation>=1.2.2', 'ftfy', 'regex'],
        'tests': ['pytest', 'pytest-timeout', 'flake8', 'isort', 'yapf'],
    },
    license='Apache License 2.0',
)
