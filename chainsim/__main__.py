import sys

if sys.argv[1:2] == ["warmup"]:          # compile the kernels ahead of a lesson
    from .warmup import main as warmup

    sys.exit(warmup(sys.argv[2:]))

from .cli import main

sys.exit(main())
