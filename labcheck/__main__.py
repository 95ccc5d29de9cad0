from labcheck.cli import main

raise SystemExit(main())
