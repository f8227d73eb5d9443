/// A setting or input an explanation run cannot use, with what is wrong.
package struct ExplanationError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
