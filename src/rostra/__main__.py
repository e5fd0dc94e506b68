import sys

from rostra.cli.main import main

sys.exit(main())
