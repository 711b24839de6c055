import Audit
import Testing

@Suite struct TrailJSONTests {
  @Test func serializationKeepsMemberOrderAndEscapes() {
    let value = TrailJSON.object(["b": .int(1), "a": .string("x\"\n\u{1}"), "skipped": nil, "n": .null])
    #expect(value.serialized == #"{"b":1,"a":"x\"\n\u0001","n":null}"#)
  }

  @Test func parsingReadsBackWhatWasWritten() throws {
    let value = TrailJSON.object([
      "Records": .array([.object(["eventTime": .string("2026-11-26T12:00:00Z"), "readOnly": .bool(true), "n": .double(1.5)])])
    ])
    #expect(try TrailJSON.parse(value.serialized) == value)
  }
}

@Suite struct EventIDTests {
  @Test func eventIDsAreDistinctUUIDs() {
    let ids = (0..<1000).map { _ in EventID.next() }
    #expect(Set(ids).count == 1000)
    #expect(ids.allSatisfy { $0.count == 36 && $0.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12] })
  }
}
