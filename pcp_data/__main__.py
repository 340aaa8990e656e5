import sys

from pcp_data.cli import main

sys.exit(main())
