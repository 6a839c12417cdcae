from syndicate.cli import main

main(prog_name="syndicate")
