extension Duration {
    /// The duration in seconds, as the reports show it.
    var inSeconds: Double {
        let parts = self.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
