from bankrec.cli.main import main

main()
