// A tiny program the preload tests run as a `command`: it allocates COUNT blocks
// of SIZE bytes with malloc and frees them (nothing else in it allocates), then,
// given SECONDS, spends that much CPU time in tiny_alloc_hot_loop, the function a
// profile of it must show.
//     tiny_alloc COUNT SIZE [SECONDS]
#include <stdlib.h>
#include <time.h>

static void* blocks[100000];  // not on the heap: only the counted blocks are

static double cpu_seconds(void) {
  struct timespec now;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}

__attribute__((noinline)) unsigned long tiny_alloc_hot_loop(double seconds) {
  const double end = cpu_seconds() + seconds;
  volatile unsigned long sum = 0;
  while (cpu_seconds() < end) {
    for (int i = 0; i < 10000; ++i) sum += (unsigned long)i * 7;
  }
  return sum;
}

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  long count = atol(argv[1]);
  const long size = atol(argv[2]);
  if (count < 0 || count > 100000) return 2;
  for (long i = 0; i < count; ++i) blocks[i] = malloc((size_t)size);
  for (long i = 0; i < count; ++i) free(blocks[i]);
  if (argc > 3) tiny_alloc_hot_loop(atof(argv[3]));
  return 0;
}
