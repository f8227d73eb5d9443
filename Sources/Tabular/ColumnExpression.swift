/// An arithmetic formula over a table's columns, such as `total_bedrooms / population`:
/// numbers, column names, + − × ÷, unary minus and parentheses, with the usual precedence.
package indirect enum ColumnExpression: Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    case column(String)
    case negate(ColumnExpression)
    case binary(Character, ColumnExpression, ColumnExpression)

    /// Parses `text`; the error says where it stopped making sense.
    package init(parsing text: String) throws(ExpressionError) {
        var parser = Parser(characters: Array(text))
        self = try parser.expression()
        parser.skipSpaces()
        guard parser.position == parser.characters.count else { throw parser.error("unexpected \"\(parser.characters[parser.position])\"") }
    }

    /// Every column the formula reads.
    package var columns: Set<String> {
        switch self {
        case .number: []
        case .column(let name): [name]
        case .negate(let inner): inner.columns
        case .binary(_, let left, let right): left.columns.union(right.columns)
        }
    }

    /// The value with `value(column)` for each column (NaN or ±∞ where a division by zero says so).
    package func evaluate(_ value: (String) -> Double) -> Double {
        switch self {
        case .number(let number): number
        case .column(let name): value(name)
        case .negate(let inner): -inner.evaluate(value)
        case .binary(let operation, let left, let right):
            switch operation {
            case "+": left.evaluate(value) + right.evaluate(value)
            case "-": left.evaluate(value) - right.evaluate(value)
            case "*": left.evaluate(value) * right.evaluate(value)
            default: left.evaluate(value) / right.evaluate(value)
            }
        }
    }

    package var description: String {
        switch self {
        case .number(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .column(let name): name
        case .negate(let inner): "-(\(inner))"
        case .binary(let operation, let left, let right): "(\(left) \(operation) \(right))"
        }
    }

    /// Recursive descent: expression = term (± term)*, term = factor (×÷ factor)*, factor = number | name | -factor | (expression).
    private struct Parser {
        let characters: [Character]
        var position = 0

        mutating func skipSpaces() { while position < characters.count, characters[position] == " " { position += 1 } }

        func error(_ reason: String) -> ExpressionError { ExpressionError(text: String(characters), position: position, reason: reason) }

        mutating func expression() throws(ExpressionError) -> ColumnExpression {
            var result = try term()
            while true {
                skipSpaces()
                guard position < characters.count, "+-".contains(characters[position]) else { return result }
                let operation = characters[position]
                position += 1
                result = .binary(operation, result, try term())
            }
        }

        mutating func term() throws(ExpressionError) -> ColumnExpression {
            var result = try factor()
            while true {
                skipSpaces()
                guard position < characters.count, "*/".contains(characters[position]) else { return result }
                let operation = characters[position]
                position += 1
                result = .binary(operation, result, try factor())
            }
        }

        mutating func factor() throws(ExpressionError) -> ColumnExpression {
            skipSpaces()
            guard position < characters.count else { throw error("the formula ends too early") }
            let character = characters[position]
            if character == "-" {
                position += 1
                return .negate(try factor())
            }
            if character == "(" {
                position += 1
                let inner = try expression()
                skipSpaces()
                guard position < characters.count, characters[position] == ")" else { throw error("a \"(\" is not closed") }
                position += 1
                return inner
            }
            let start = position
            if character.isNumber || character == "." {
                while position < characters.count, characters[position].isNumber || ".eE".contains(characters[position])
                    || ("+-".contains(characters[position]) && "eE".contains(characters[position - 1])) { position += 1 }
                guard let number = Double(String(characters[start..<position])) else { position = start; throw error("a bad number") }
                return .number(number)
            }
            while position < characters.count, characters[position].isLetter || characters[position].isNumber || characters[position] == "_" {
                position += 1
            }
            guard position > start else { throw error("expected a number, a column name or \"(\"") }
            return .column(String(characters[start..<position]))
        }
    }
}

/// A formula that does not parse, with the position where it went wrong.
package struct ExpressionError: Error, Equatable, CustomStringConvertible {
    package let text: String
    package let position: Int
    package let reason: String

    package var description: String { "formula \"\(text)\", at character \(position + 1): \(reason)" }
}
