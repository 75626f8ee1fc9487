/// Where soukctl keeps its contexts and credentials.
///
/// Read from the environment (first one set wins):
///
/// | variable | folder |
/// | --- | --- |
/// | `SOUK_CONFIG_HOME` | `$SOUK_CONFIG_HOME` |
/// | `XDG_CONFIG_HOME` | `$XDG_CONFIG_HOME/souk` |
/// | `HOME` | `$HOME/.config/souk` |
package struct ConfigFolder: Sendable, Hashable {
    /// The folder's path.
    package var path: String

    /// A folder at `path`.
    package init(path: String) {
        self.path = path
    }

    /// The folder the environment names.
    ///
    /// - Throws: ``CtlError`` (usage) when none of the variables is set.
    package init(environment: [String: String]) throws {
        func value(_ key: String) -> String? {
            guard let text = environment[key], !text.isEmpty else { return nil }
            return text
        }
        if let folder = value("SOUK_CONFIG_HOME") {
            self.path = folder
        } else if let xdg = value("XDG_CONFIG_HOME") {
            self.path = xdg + "/souk"
        } else if let home = value("HOME") {
            self.path = home + "/.config/souk"
        } else {
            throw CtlError(.usage, "no configuration folder", hint: "set SOUK_CONFIG_HOME or HOME")
        }
    }

    /// `contexts.json`: the contexts and the current one.
    package var contextsFile: String { self.path + "/contexts.json" }

    /// `credentials/`: one file per context, mode 0600, in a folder of mode 0700.
    package var credentialsFolder: String { self.path + "/credentials" }

    /// The credentials file of `context`.
    package func credentialsFile(context: String) -> String {
        self.credentialsFolder + "/\(context).json"
    }
}
