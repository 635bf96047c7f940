// A tiny program the instruction-mode tests count as a `command` case: it spins
// `argv[1]` times in spin(), a function of its own (count_function = "spin" counts only
// that), so twice the spins must count about twice spin()'s instructions.
#include <cstdlib>

extern "C" __attribute__((noinline)) long spin(long n) {
  long sum = 0;
  for (long i = 0; i < n; ++i) {
    sum += i ^ (sum >> 3);
    asm volatile("" : "+r"(sum));
  }
  return sum;
}

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 1000;
  return spin(n) == -1 ? 1 : 0;
}
