# The two commands of the README quick start:
#   make demo   installs what is missing, builds tako and runs the demo
#   make test   installs what is missing, builds and runs every test (also under ASan+UBSan)
#   make demo-bom  the Java BOM release train, one subscriber, pull requests on a local GitHub API
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)


.PHONY: demo demo-bom test deps format-check configure build test-release test-sanitize bench clean

demo: deps build
	bash examples/demo.sh $(BUILD)/tako

# The Java BOM release train at the level of one subscriber, with the GitHub provider against
# the local test API: a pull request opened, its checks turned green, merged.
demo-bom: deps build
	bash examples/demo-bom.sh $(BUILD)/tako

test: deps format-check test-release test-sanitize

# Every C++ file as clang-format (Debian 12's, 14) writes it; `clang-format -i FILE` fixes one.
format-check:
	git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run -Werror

deps:
	bash scripts/install-deps.sh

configure:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTAKO_BENCH=OFF

# Only the binary: what the demo needs.
build: configure
	cmake --build $(BUILD) -j $(JOBS) --target tako_exe

test-release: configure
	cmake --build $(BUILD) -j $(JOBS)
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test-sanitize:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DTAKO_SANITIZE=ON -DTAKO_BENCH=OFF
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

bench: deps
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DTAKO_BENCH=ON -DTAKO_TESTS=OFF
	cmake --build build-bench -j $(JOBS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-bench
