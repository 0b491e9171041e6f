/*
 * A HotSpot disassembler plugin (hsdis) over the Capstone library, so that -XX:+PrintAssembly and JMH's perfasm
 * profiler can show the machine code they profile. HotSpot loads a library named hsdis-<arch>.so and calls
 * decode_instructions_virtual() for each range of code it prints; this one decodes x86-64 only.
 *
 * A profiling tool for this project's developers: not part of any artifact. Build and use: see README.md here.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <capstone/capstone.h>

typedef void *(*event_callback)(void *stream, const char *event, void *arg);
typedef int (*printf_callback)(void *stream, const char *format, ...);

static void *ignore_event(void *stream, const char *event, void *arg) {
    (void) stream;
    (void) event;
    (void) arg;
    return NULL;
}

/*
 * Decodes [buffer, buffer + length), which HotSpot maps at start_va. For each instruction: an "insn" event with its
 * address, its text through printf_callback, an "/insn" event with the address after it, and a newline if asked.
 * options: "intel" for Intel syntax (JMH passes it with perfasm's intelSyntax=true); AT&T otherwise.
 */
void *decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char *buffer, uintptr_t length,
                                  event_callback on_event, void *event_stream,
                                  printf_callback print, void *print_stream,
                                  const char *options, int newline) {
    (void) end_va;
    if (print == NULL) {
        print = (printf_callback) fprintf;
        if (print_stream == NULL) {
            print_stream = stdout;
        }
    }
    if (on_event == NULL) {
        on_event = ignore_event;
    }
    csh handle;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) {
        print(print_stream, "hsdis-capstone: cs_open failed\n");
        return NULL;
    }
    const int intel = options != NULL && strstr(options, "intel") != NULL;
    cs_option(handle, CS_OPT_SYNTAX, intel ? CS_OPT_SYNTAX_INTEL : CS_OPT_SYNTAX_ATT);
    cs_option(handle, CS_OPT_SKIPDATA, CS_OPT_ON); /* data between instructions does not stop the decoding */
    cs_insn *decoded;
    const size_t count = cs_disasm(handle, buffer, length, start_va, 0, &decoded);
    for (size_t i = 0; i < count; i++) {
        on_event(event_stream, "insn", (void *) (uintptr_t) decoded[i].address);
        print(print_stream, "%s\t%s", decoded[i].mnemonic, decoded[i].op_str);
        on_event(event_stream, "/insn", (void *) (uintptr_t) (decoded[i].address + decoded[i].size));
        if (newline) {
            print(print_stream, "\n");
        }
    }
    if (count > 0) {
        cs_free(decoded, count);
    }
    cs_close(&handle);
    return NULL;
}
