package io.flarestack.storage.query;

/** How frames are named in trees and call-site matching. */
final class FrameNames {
  private FrameNames() {}

  /** The name of a location without lines: its address in lowercase hex, as Pyroscope shows it. */
  static String address(long address) {
    return "0x" + Long.toHexString(address);
  }
}
