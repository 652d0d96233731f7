#pragma once

// CPU time (user + system) of this process and of its finished children, in seconds.
#include <sys/resource.h>

struct CpuClock {
    static double self() { return of(RUSAGE_SELF); }
    static double children() { return of(RUSAGE_CHILDREN); }

private:
    static double of(int who)
    {
        rusage u{};
        getrusage(who, &u);
        return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
    }
};
