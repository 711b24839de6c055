import Foundation

/// Parses the timestamps AWS exports use: `2024-05-01T12:00:00Z`, `2024-05-01T12:00:00+00:00`
/// (credential report) and fractional seconds. Hand-written because it runs for every entity
/// of a large export and `ISO8601DateFormatter` is neither fast nor `Sendable`.
public func parseAWSDate(_ text: String) -> Date? {
  let b = Array(text.utf8)
  guard b.count >= 19, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
  func num(_ from: Int, _ len: Int) -> Int? {
    var v = 0
    for i in from..<(from + len) {
      guard i < b.count, b[i] >= 48, b[i] <= 57 else { return nil }
      v = v * 10 + Int(b[i] - 48)
    }
    return v
  }
  guard let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2),
    let s = num(17, 2), (1...12).contains(mo), (1...31).contains(d)
  else { return nil }
  var i = 19
  var fraction = 0.0
  if i < b.count, b[i] == UInt8(ascii: ".") {
    i += 1
    var scale = 0.1
    while i < b.count, b[i] >= 48, b[i] <= 57 {
      fraction += Double(b[i] - 48) * scale
      scale /= 10
      i += 1
    }
  }
  var offset = 0
  if i < b.count {
    switch b[i] {
    case UInt8(ascii: "Z"), UInt8(ascii: "z"): break
    case UInt8(ascii: "+"), UInt8(ascii: "-"):
      guard let oh = num(i + 1, 2), let om = num(i + 4, 2) else { return nil }
      offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
    default: return nil
    }
  }
  // Days from civil (Howard Hinnant's algorithm).
  let yy = mo <= 2 ? y - 1 : y
  let era = (yy >= 0 ? yy : yy - 399) / 400
  let yoe = yy - era * 400
  let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
  let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
  let days = era * 146097 + doe - 719468
  let seconds = Double(days * 86400 + h * 3600 + mi * 60 + s - offset) + fraction
  return Date(timeIntervalSince1970: seconds)
}

/// Renders a date as AWS does in JSON exports (`2024-05-01T12:00:00Z`).
public func formatAWSDate(_ date: Date) -> String {
  let total = Int(date.timeIntervalSince1970.rounded(.down))
  let days = total >= 0 ? total / 86400 : (total - 86399) / 86400
  let secs = total - days * 86400
  let z = days + 719468
  let era = (z >= 0 ? z : z - 146096) / 146097
  let doe = z - era * 146097
  let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
  let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
  let mp = (5 * doy + 2) / 153
  let d = doy - (153 * mp + 2) / 5 + 1
  let m = mp < 10 ? mp + 3 : mp - 9
  let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
  func pad(_ v: Int, _ n: Int = 2) -> String {
    let s = String(v)
    return String(repeating: "0", count: max(0, n - s.count)) + s
  }
  return "\(pad(y, 4))-\(pad(m))-\(pad(d))T\(pad(secs / 3600)):\(pad(secs / 60 % 60)):\(pad(secs % 60))Z"
}
