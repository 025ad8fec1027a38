package dev.vmesos.api.json;

import java.math.BigInteger;

/**
 * Formats finite doubles the way rapidjson's {@code Writer::Double} does, because Mesos writes its
 * JSON through rapidjson and clients compare strings: {@code 15.0}, {@code 0.1}, {@code 1e21},
 * {@code 1e-7}, {@code 0.00001}, {@code -0.0}.
 *
 * <p>Digits come from Loitsch's Grisu2 (not Java's {@code Double.toString}, whose digit choice differs
 * and which on Java 17 is not even always shortest). Grisu2 always round-trips; in rare cases it
 * gives one digit more than the shortest form, exactly as rapidjson does. The layout ("prettify")
 * uses fixed notation while the decimal exponent {@code kk} (value in [10^(kk-1), 10^kk)) is in
 * (-6, 21], and {@code d[.ddd]e[-]x} otherwise.
 *
 * <p>A rapidjson 1.1.0 quirk is reproduced on purpose (Mesos bundles 1.1.0): when the last digit is
 * generated nine or more places after the first fraction position, the final rounding step is given a
 * zero distance ({@code index < 9 ? kPow10[index] : 0}), so it never adjusts that digit. This changes
 * the last digit for a large share of doubles with many significant digits (timestamps such as
 * {@code 1769042576.0502423}), so a "textbook" Grisu2 would not match the real master's output.
 */
final class RapidJsonDoubles {

    private static final int MIN_CACHED_EXPONENT = -348;
    private static final int CACHED_EXPONENT_STEP = 8;
    private static final int CACHED_POWERS = 87;

    /** Normalized 64-bit significands and binary exponents of 10^-348, 10^-340, ..., 10^340. */
    private static final long[] CACHED_F = new long[CACHED_POWERS];
    private static final int[] CACHED_E = new int[CACHED_POWERS];

    private static final long[] POW10 = new long[10];

    private static final long HIDDEN_BIT = 1L << 52;
    private static final long SIGNIFICAND_MASK = HIDDEN_BIT - 1;

    static {
        long p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
        for (int i = 0; i < CACHED_POWERS; i++) {
            computeCachedPower(i, MIN_CACHED_EXPONENT + i * CACHED_EXPONENT_STEP);
        }
    }

    private RapidJsonDoubles() {
    }

    /** Rounds 10^k to a normalized 64-bit significand (round half up) with its binary exponent. */
    private static void computeCachedPower(int index, int k) {
        BigInteger value;
        int exponent;
        if (k >= 0) {
            value = BigInteger.TEN.pow(k);
            exponent = 0;
        } else {
            BigInteger divisor = BigInteger.TEN.pow(-k);
            int scale = divisor.bitLength() + 66;
            value = BigInteger.ONE.shiftLeft(scale).divide(divisor);
            exponent = -scale;
        }
        int excess = value.bitLength() - 64;
        if (excess > 0) {
            boolean roundUp = value.testBit(excess - 1);
            value = value.shiftRight(excess);
            exponent += excess;
            if (roundUp) {
                value = value.add(BigInteger.ONE);
                if (value.bitLength() > 64) {
                    value = value.shiftRight(1);
                    exponent++;
                }
            }
        } else if (excess < 0) {
            value = value.shiftLeft(-excess);
            exponent += excess;
        }
        CACHED_F[index] = value.longValue();
        CACHED_E[index] = exponent;
    }

    /** Appends the rapidjson rendering of a finite double. */
    static void append(StringBuilder out, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("not a finite double: " + value);
        }
        if (value == 0.0) {
            out.append(Double.doubleToRawLongBits(value) < 0 ? "-0.0" : "0.0");
            return;
        }
        if (value < 0) {
            out.append('-');
            value = -value;
        }
        char[] digits = new char[20];
        int[] lengthAndK = grisu2(value, digits);
        prettify(out, digits, lengthAndK[0], lengthAndK[1]);
    }

    static String toString(double value) {
        StringBuilder sb = new StringBuilder(24);
        append(sb, value);
        return sb.toString();
    }

    // ---- Grisu2 -------------------------------------------------------------------------------
    // A "DiyFp" is an unsigned 64-bit significand f and a binary exponent e (value = f * 2^e);
    // here they travel as pairs of longs/ints. All comparisons of significands are unsigned.

    /** Returns {digit count, decimal exponent K} with value ~= digits * 10^K. */
    private static int[] grisu2(double value, char[] digits) {
        long bits = Double.doubleToRawLongBits(value);
        int biased = (int) ((bits >>> 52) & 0x7FF);
        long f = bits & SIGNIFICAND_MASK;
        int e;
        if (biased != 0) {
            f += HIDDEN_BIT;
            e = biased - 1075;
        } else {
            e = -1074;
        }

        // Upper boundary m+ = (2f + 1) * 2^(e-1), normalized.
        long plusF = (f << 1) + 1;
        int plusE = e - 1;
        int shift = Long.numberOfLeadingZeros(plusF);
        plusF <<= shift;
        plusE -= shift;

        // Lower boundary m-; closer when f is a power of two (the exponent below is finer).
        long minusF;
        int minusE;
        if (f == HIDDEN_BIT) {
            minusF = (f << 2) - 1;
            minusE = e - 2;
        } else {
            minusF = (f << 1) - 1;
            minusE = e - 1;
        }
        minusF <<= minusE - plusE;

        int normShift = Long.numberOfLeadingZeros(f);
        long wF = f << normShift;

        // Pick the cached power c = 10^-K so that the products land in the exponent window.
        double dk = (-61 - plusE) * 0.30102999566398114 + 347;
        int k = (int) dk;
        if (dk - k > 0.0) {
            k++;
        }
        int index = (k >> 3) + 1;
        int bigK = -(MIN_CACHED_EXPONENT + index * CACHED_EXPONENT_STEP);
        long cF = CACHED_F[index];
        int cE = CACHED_E[index];

        long scaledW = multiply(wF, cF);
        long scaledPlus = multiply(plusF, cF) - 1;
        long scaledMinus = multiply(minusF, cF) + 1;
        // Normalized f has the same exponent as normalized 2f+1, so all three products share plusE.
        int scaledE = plusE + cE + 64;
        long delta = scaledPlus - scaledMinus;
        return digitGen(scaledW, scaledPlus, scaledE, delta, digits, bigK);
    }

    /** High 64 bits of the unsigned 128-bit product, rounded half up at bit 63. */
    private static long multiply(long x, long y) {
        long a = x >>> 32;
        long b = x & 0xFFFFFFFFL;
        long c = y >>> 32;
        long d = y & 0xFFFFFFFFL;
        long ac = a * c;
        long bc = b * c;
        long ad = a * d;
        long bd = b * d;
        long mid = (bd >>> 32) + (ad & 0xFFFFFFFFL) + (bc & 0xFFFFFFFFL) + (1L << 31);
        return ac + (ad >>> 32) + (bc >>> 32) + (mid >>> 32);
    }

    private static int[] digitGen(long w, long mp, int mpE, long delta, char[] digits, int k) {
        int shift = -mpE;
        long one = 1L << shift;
        long mask = one - 1;
        long wpMinusW = mp - w;
        long p1 = mp >>> shift;
        long p2 = mp & mask;
        int kappa = decimalDigits(p1);
        int len = 0;

        while (kappa > 0) {
            long pow = POW10[kappa - 1];
            long d = p1 / pow;
            p1 %= pow;
            if (d != 0 || len != 0) {
                digits[len++] = (char) ('0' + d);
            }
            kappa--;
            long rest = (p1 << shift) + p2;
            if (Long.compareUnsigned(rest, delta) <= 0) {
                k += kappa;
                round(digits, len, delta, rest, POW10[kappa] << shift, wpMinusW);
                return new int[] {len, k};
            }
        }

        while (true) {
            p2 *= 10;
            delta *= 10;
            long d = p2 >>> shift;
            if (d != 0 || len != 0) {
                digits[len++] = (char) ('0' + d);
            }
            p2 &= mask;
            kappa--;
            if (Long.compareUnsigned(p2, delta) < 0) {
                k += kappa;
                int fractionDigits = -kappa;
                long unit = fractionDigits < 9 ? POW10[fractionDigits] : 0; // rapidjson 1.1.0 quirk
                round(digits, len, delta, p2, one, wpMinusW * unit);
                return new int[] {len, k};
            }
        }
    }

    /** Moves the last digit down while that brings the result closer to the exact value. */
    private static void round(char[] digits, int len, long delta, long rest, long tenKappa, long wpMinusW) {
        while (Long.compareUnsigned(rest, wpMinusW) < 0
                && Long.compareUnsigned(delta - rest, tenKappa) >= 0
                && (Long.compareUnsigned(rest + tenKappa, wpMinusW) < 0
                        || Long.compareUnsigned(wpMinusW - rest, rest + tenKappa - wpMinusW) > 0)) {
            digits[len - 1]--;
            rest += tenKappa;
        }
    }

    private static int decimalDigits(long n) {
        int count = 1;
        while (count < 10 && n >= POW10[count]) {
            count++;
        }
        return count;
    }

    // ---- Layout --------------------------------------------------------------------------------

    private static void prettify(StringBuilder out, char[] digits, int length, int k) {
        int kk = length + k; // 10^(kk-1) <= value < 10^kk
        if (k >= 0 && kk <= 21) {
            out.append(digits, 0, length);
            for (int i = 0; i < k; i++) {
                out.append('0');
            }
            out.append(".0");
        } else if (kk > 0 && kk <= 21) {
            out.append(digits, 0, kk).append('.').append(digits, kk, length - kk);
        } else if (kk > -6 && kk <= 0) {
            out.append("0.");
            for (int i = kk; i < 0; i++) {
                out.append('0');
            }
            out.append(digits, 0, length);
        } else {
            out.append(digits[0]);
            if (length > 1) {
                out.append('.').append(digits, 1, length - 1);
            }
            out.append('e').append(kk - 1);
        }
    }
}
