from tickerwire.cli import main

main()
