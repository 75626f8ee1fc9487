import Foundation
package import SoukDomain

extension HostConfig {
    /// The file the development data keys live in.
    package var developmentDataKeysFile: String { "\(self.dataFolder)/keys/data-keys" }

    /// Loads the data key ring as ``dataKeys`` says.
    package func loadDataKeys() throws -> DataKeyRing {
        switch self.dataKeys {
        case .developmentFile:
            return try DataKeyRing.load(file: self.developmentDataKeysFile, environment: [:], createIfMissing: true)
        case .file(let path):
            return try DataKeyRing.load(file: path, environment: [:], createIfMissing: false)
        case .text(let text):
            return try DataKeyRing(text: text, source: "SOUK_DATA_KEYS")
        }
    }
}
