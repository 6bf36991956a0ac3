import sys

from bench.seed.cli import main

sys.exit(main())
