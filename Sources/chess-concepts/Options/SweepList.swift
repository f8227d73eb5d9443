import ArgumentParser

/// The values of a `--sweep` option: comma-separated non-negative numbers (edit costs for
/// `maximise`, λ₁ for `tabular` and `images`).
enum SweepList {
    static func parse(_ text: String?) throws -> [Double]? {
        try text.map { text in
            try text.split(separator: ",").map { item in
                guard let value = Double(item.trimmingCharacters(in: .whitespaces)), value >= 0 else {
                    throw ValidationError("--sweep: '\(item)' is not a non-negative number")
                }
                return value
            }
        }
    }
}
