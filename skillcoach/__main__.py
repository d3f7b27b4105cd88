from skillcoach.app.cli import main

main()
