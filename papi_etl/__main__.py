from papi_etl.cli.main import main

main()
