/// An open-addressing hash table keyed by ASCII-case-folded byte strings, mapping each key to a
/// range in a payload array. Built once at compile time; lookups hash the caller's bytes in
/// place, so finding the statements for an action allocates nothing.
struct FoldedKeyTable: Sendable {
  private var slots: [Int32]
  private var mask: Int
  private var keys: [[UInt8]]
  private var hashes: [UInt64]
  /// `ranges[i]` is the payload range of key `i`.
  private(set) var ranges: [Range<Int>]

  /// Builds the table from keys (already lowercased) in insertion order.
  init(keys entries: [(key: String, range: Range<Int>)]) {
    var capacity = 8
    while capacity < entries.count * 2 { capacity <<= 1 }
    slots = Array(repeating: -1, count: capacity)
    mask = capacity - 1
    keys = []
    hashes = []
    ranges = []
    for (key, range) in entries {
      let bytes = Array(key.utf8)
      let h = bytes.withUnsafeBufferPointer { FoldedKeyTable.hash($0) }
      var slot = Int(truncatingIfNeeded: h) & mask
      while slots[slot] >= 0 { slot = (slot + 1) & mask }
      slots[slot] = Int32(keys.count)
      keys.append(bytes)
      hashes.append(h)
      ranges.append(range)
    }
  }

  var isEmpty: Bool { keys.isEmpty }

  /// FNV-1a over ASCII-folded bytes.
  @inline(__always)
  static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
      h ^= UInt64(WildcardPattern.fold(b))
      h = h &* 0x100_0000_01b3
    }
    return h
  }

  /// The payload range for `bytes` (compared case-insensitively), if present.
  @inline(__always)
  func lookup(_ bytes: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Range<Int>? {
    if keys.isEmpty { return nil }
    var slot = Int(truncatingIfNeeded: h) & mask
    while true {
      let entry = Int(slots[slot])
      if entry < 0 { return nil }
      if hashes[entry] == h && FoldedKeyTable.equal(keys[entry], bytes) { return ranges[entry] }
      slot = (slot + 1) & mask
    }
  }

  @inline(__always)
  private static func equal(_ key: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard key.count == bytes.count else { return false }
    return key.withUnsafeBufferPointer { k in
      for i in 0..<k.count where k[i] != WildcardPattern.fold(bytes[i]) { return false }
      return true
    }
  }
}
