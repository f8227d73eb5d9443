import DataFiles
import Foundation
import Testing
@testable import Tabular

struct CSVTableTests {
    @Test func quotedFieldsKeepCommasQuotesAndLineBreaks() throws {
        let text = "name,value,note\n\"Smith, J.\",1.5,\"said \"\"hi\"\"\"\nplain,2,\"two\nlines\"\nlast,3,\r\n"
        let table = try CSVTable(text: text, path: "t.csv")
        #expect(table.columns == ["name", "value", "note"])
        #expect(table.rows.map { $0[0] } == ["Smith, J.", "plain", "last"])
        #expect(table.rows[0][2] == "said \"hi\"")
        #expect(table.rows[1][2] == "two\nlines")
        #expect(table.lines == [2, 3, 5])
        #expect(try table.numbers(1) == [1.5, 2, 3])
    }

    @Test func missingCellsAreNilAndBadNumbersNameTheirLine() throws {
        let table = try CSVTable(text: "a,b\n1,NA\n2,\n3,x7\n", path: "t.csv")
        #expect(try table.numbers(0) == [1, 2, 3])
        #expect(table.isNumeric(1) == false)
        #expect(throws: DataFileError(path: "t.csv", reason: "line 4, column b: \"x7\" is not a number")) { try table.numbers(1) }
    }

    @Test func malformedTablesAreRejectedWithTheLine() {
        #expect(throws: DataFileError(path: "t.csv", reason: "line 3: 3 fields where the header has 2")) {
            try CSVTable(text: "a,b\n1,2\n1,2,3\n", path: "t.csv")
        }
        #expect(throws: DataFileError(path: "t.csv", reason: "line 2: a quoted field is not closed")) {
            try CSVTable(text: "a,b\n\"1,2\n", path: "t.csv")
        }
        #expect(throws: DataFileError(path: "t.csv", reason: "line 1: the column \"a\" appears twice")) {
            try CSVTable(text: "a,a\n1,2\n", path: "t.csv")
        }
    }

    @Test func missingValuesAreDroppedFilledOrReportedAsAsked() throws {
        let table = try CSVTable(text: "x,kind,y\n1,red,10\nNA,blue,20\n3,red,30\n", path: "t.csv")
        let dropped = try TabularDataset(table: table, target: "y", featureColumns: nil, missing: .drop, categorical: .exclude)
        #expect(dropped.featureNames == ["x"])
        #expect(dropped.features == [[1], [3]])
        #expect(dropped.lines == [2, 4])
        #expect(dropped.notes.contains("excluded the text column kind (use one-hot encoding to include it)"))
        let filled = try TabularDataset(table: table, target: "y", featureColumns: nil, missing: .mean, categorical: .oneHot)
        #expect(filled.featureNames == ["x", "kind=blue", "kind=red"])
        #expect(filled.features == [[1, 0, 1], [2, 1, 0], [3, 0, 1]])
        #expect(throws: DataFileError.self) {
            try TabularDataset(table: table, target: "y", featureColumns: ["x"], missing: .fail, categorical: .exclude)
        }
    }

    @Test func formulasFollowPrecedenceAndReportWhereTheyFail() throws {
        let expression = try ColumnExpression(parsing: "total_bedrooms / population + 2 * (a - -1.5e0)")
        #expect(expression.columns == ["total_bedrooms", "population", "a"])
        let values = ["total_bedrooms": 30.0, "population": 10.0, "a": 1.0]
        #expect(expression.evaluate { values[$0]! } == 3 + 2 * 2.5)
        #expect(throws: ExpressionError(text: "a * (b + 1", position: 10, reason: "a \"(\" is not closed")) { try ColumnExpression(parsing: "a * (b + 1") }
        #expect(throws: ExpressionError.self) { try ColumnExpression(parsing: "a b") }
    }
}
