from recess.cli import main

main()
