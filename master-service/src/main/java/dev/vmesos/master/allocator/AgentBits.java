package dev.vmesos.master.allocator;

import java.util.Arrays;

/**
 * A growable bit set over agent slots. The allocator keeps one for "agents with free resources"
 * and one per framework for "agents this framework declined", and finds the next agent a framework
 * may be offered by scanning 64 agents per word: filtered pairs cost nothing individually.
 */
final class AgentBits {

  private long[] words = new long[1];

  void set(int index) {
    int w = index >>> 6;
    if (w >= words.length) {
      words = Arrays.copyOf(words, Math.max(words.length * 2, w + 1));
    }
    words[w] |= 1L << index;
  }

  void clear(int index) {
    int w = index >>> 6;
    if (w < words.length) {
      words[w] &= ~(1L << index);
    }
  }

  boolean get(int index) {
    int w = index >>> 6;
    return w < words.length && (words[w] & (1L << index)) != 0;
  }

  void clearAll() {
    Arrays.fill(words, 0);
  }

  boolean isEmpty() {
    for (long word : words) {
      if (word != 0) {
        return false;
      }
    }
    return true;
  }

  /** How many agents are in the set. */
  int cardinality() {
    int count = 0;
    for (long word : words) {
      count += Long.bitCount(word);
    }
    return count;
  }

  long word(int w) {
    return w < words.length ? words[w] : 0;
  }

  int wordCount() {
    return words.length;
  }

  /** This set OR another, as a new set. */
  AgentBits or(AgentBits other) {
    AgentBits result = new AgentBits();
    result.words = Arrays.copyOf(words, Math.max(words.length, other.words.length));
    for (int i = 0; i < other.words.length; i++) {
      result.words[i] |= other.words[i];
    }
    return result;
  }

  /**
   * The first index at or after {@code from} that is in {@code include} or {@code alsoInclude}
   * (may be null) and in neither {@code exclude} nor {@code alsoExclude} (may be null); -1 if none.
   */
  static int next(int from, AgentBits include, AgentBits alsoInclude, AgentBits exclude, AgentBits alsoExclude) {
    return next(from, include, alsoInclude, exclude, alsoExclude, null);
  }

  /** As {@link #next(int, AgentBits, AgentBits, AgentBits, AgentBits)}, excluding a third set too (may be null). */
  static int next(int from, AgentBits include, AgentBits alsoInclude, AgentBits exclude, AgentBits alsoExclude,
                  AgentBits thirdExclude) {
    int words = include.words.length;
    if (alsoInclude != null) {
      words = Math.max(words, alsoInclude.words.length);
    }
    for (int w = from >>> 6; w < words; w++) {
      long candidates = include.word(w);
      if (alsoInclude != null) {
        candidates |= alsoInclude.word(w);
      }
      if (candidates == 0) {
        continue;
      }
      candidates &= ~exclude.word(w);
      if (alsoExclude != null) {
        candidates &= ~alsoExclude.word(w);
      }
      if (thirdExclude != null) {
        candidates &= ~thirdExclude.word(w);
      }
      if (w == from >>> 6) {
        candidates &= -1L << (from & 63);
      }
      if (candidates != 0) {
        return (w << 6) + Long.numberOfTrailingZeros(candidates);
      }
    }
    return -1;
  }
}
