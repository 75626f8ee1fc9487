import SoukCtlKit
import Testing

@Suite("Global options before the subcommand")
struct GlobalArgumentsTests {
    @Test(
        "leading --context and --output move behind the subcommand; everything else stays",
        arguments: [
            (["--context", "prod", "users", "list"], ["users", "list", "--context", "prod"]),
            (["-o", "json", "--context=prod", "whoami"], ["whoami", "-o", "json", "--context=prod"]),
            (["users", "list", "--context", "prod"], ["users", "list", "--context", "prod"]),
            (["--help"], ["--help"]),
            (["--context"], ["--context"]),
        ]
    )
    func moved(arguments: [String], expected: [String]) {
        #expect(GlobalArguments.movedToEnd(arguments) == expected)
    }
}
