package dev.vmesos.agent.cgroups;

/**
 * A container's resource usage as its cgroups count it, named after the fields of Mesos's
 * {@code ResourceStatistics}. A figure the kernel does not give is 0; a missing limit is -1.
 *
 * @param cpusTimeSecs          CPU time used, user and system together
 * @param cpusUserTimeSecs      CPU time used in user mode
 * @param cpusSystemTimeSecs    CPU time used in the kernel
 * @param cpusLimit             the CFS quota in CPUs (quota / period), -1 if unlimited
 * @param cpusNrPeriods         CFS periods that have elapsed
 * @param cpusNrThrottled       CFS periods in which the container was throttled
 * @param cpusThrottledTimeSecs time the container spent throttled
 * @param memTotalBytes         memory charged to the container now (page cache included)
 * @param memRssBytes           anonymous memory (RSS) now
 * @param memMaxUsedBytes       the most memory charged at once so far (v2 before kernel 5.19: now)
 * @param memLimitBytes         the memory limit, -1 if unlimited
 */
public record CgroupUsage(
    double cpusTimeSecs,
    double cpusUserTimeSecs,
    double cpusSystemTimeSecs,
    double cpusLimit,
    long cpusNrPeriods,
    long cpusNrThrottled,
    double cpusThrottledTimeSecs,
    long memTotalBytes,
    long memRssBytes,
    long memMaxUsedBytes,
    long memLimitBytes) {
}
