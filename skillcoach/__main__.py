from skillcoach.cli import main

main()
