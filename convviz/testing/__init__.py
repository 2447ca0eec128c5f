"""The test harness: start the app on a free loopback port and drive Debian's Chromium."""
