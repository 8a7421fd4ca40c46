from harness.console.serve import main

main()
