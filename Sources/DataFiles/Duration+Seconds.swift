extension Duration {
    /// The duration in seconds as a floating-point number, for rates and progress lines.
    public var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}
