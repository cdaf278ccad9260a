/* Test-only stand-in for Windows's bcryptprimitives.dll, for Wine builds that lack it.
 *
 * Go 1.24+ programs on Windows load bcryptprimitives.dll at start for ProcessPrng (present on
 * every Windows 10/11). Wine 8.0, the version in Debian 12, has no such DLL, so any Go exe stops
 * with "bcryptprimitives.dll not found" before main. scripts/test-dist.sh compiles this file
 * with mingw-w64 into the throwaway Wine prefix only when the prefix has no bcryptprimitives.dll;
 * it is never shipped. ProcessPrng fills the buffer from RtlGenRandom (advapi32's
 * SystemFunction036), the system CSPRNG Wine does provide. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T n) {
  while (n > 0) {
    ULONG chunk = n > 0x10000000 ? 0x10000000 : (ULONG)n;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    n -= chunk;
  }
  return TRUE;
}
