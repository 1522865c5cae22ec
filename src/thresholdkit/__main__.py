from thresholdkit.cli.main import main

main()
