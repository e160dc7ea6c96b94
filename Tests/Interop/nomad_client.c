/*
 * A department's C client for Nomad Zone: logs in to identity and lists open
 * jobs, over HTTP/2 (libnghttp2) with gRPC framing and messages made by
 * protoc-c (libprotobuf-c). Nothing here knows Swift: it proves the wire is
 * standard gRPC that any department's stack can speak.
 *
 *   nomad_client IDENTITY_HOST:PORT JOBS_HOST:PORT USERNAME   (password on stdin)
 *
 * Exit 0 when login and the listing succeed and a private call without a
 * token is refused with UNAUTHENTICATED; 1 otherwise. Plaintext HTTP/2 (h2c), as the
 * suite serves on loopback; a deployment would add TLS around the socket.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <nghttp2/nghttp2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nomad/identity/v1/identity.pb-c.h"
#include "nomad/jobs/v1/jobs.pb-c.h"

/* One unary call's state: the framed request going out, the response
 * coming in, and the grpc-status/grpc-message trailers. */
struct call {
    uint8_t *request;
    size_t request_length;
    size_t request_sent;
    uint8_t *response;
    size_t response_length;
    int http_status;
    int grpc_status; /* -1 until the trailers (or a trailers-only response) say */
    char grpc_message[512];
    int closed;
};

static int connect_to(const char *address) {
    char host[256];
    const char *colon = strrchr(address, ':');
    if (!colon || (size_t)(colon - address) >= sizeof host) return -1;
    memcpy(host, address, (size_t)(colon - address));
    host[colon - address] = '\0';
    struct addrinfo hints = {0}, *found = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, colon + 1, &hints, &found) != 0) return -1;
    int fd = -1;
    for (struct addrinfo *a = found; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
        if (fd >= 0) close(fd);
        fd = -1;
    }
    freeaddrinfo(found);
    return fd;
}

static ssize_t on_send(nghttp2_session *session, const uint8_t *data, size_t length, int flags, void *user) {
    (void)session; (void)flags;
    int fd = *(int *)user;
    ssize_t sent = send(fd, data, length, 0);
    if (sent < 0) return errno == EAGAIN ? NGHTTP2_ERR_WOULDBLOCK : NGHTTP2_ERR_CALLBACK_FAILURE;
    return sent;
}

static ssize_t read_request(nghttp2_session *session, int32_t stream, uint8_t *buffer, size_t length,
                            uint32_t *flags, nghttp2_data_source *source, void *user) {
    (void)session; (void)stream; (void)user;
    struct call *call = source->ptr;
    size_t left = call->request_length - call->request_sent;
    size_t n = left < length ? left : length;
    memcpy(buffer, call->request + call->request_sent, n);
    call->request_sent += n;
    if (call->request_sent == call->request_length) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return (ssize_t)n;
}

static int on_header(nghttp2_session *session, const nghttp2_frame *frame, const uint8_t *name, size_t name_length,
                     const uint8_t *value, size_t value_length, uint8_t flags, void *user) {
    (void)flags; (void)user;
    struct call *call = nghttp2_session_get_stream_user_data(session, frame->hd.stream_id);
    if (!call) return 0;
    if (name_length == 7 && memcmp(name, ":status", 7) == 0) {
        call->http_status = atoi((const char *)value);
    } else if (name_length == 11 && memcmp(name, "grpc-status", 11) == 0) {
        call->grpc_status = atoi((const char *)value);
    } else if (name_length == 12 && memcmp(name, "grpc-message", 12) == 0) {
        size_t n = value_length < sizeof call->grpc_message - 1 ? value_length : sizeof call->grpc_message - 1;
        memcpy(call->grpc_message, value, n);
        call->grpc_message[n] = '\0';
    }
    return 0;
}

static int on_data(nghttp2_session *session, uint8_t flags, int32_t stream, const uint8_t *data, size_t length, void *user) {
    (void)flags; (void)user;
    struct call *call = nghttp2_session_get_stream_user_data(session, stream);
    if (!call) return 0;
    uint8_t *grown = realloc(call->response, call->response_length + length);
    if (!grown) return NGHTTP2_ERR_CALLBACK_FAILURE;
    memcpy(grown + call->response_length, data, length);
    call->response = grown;
    call->response_length += length;
    return 0;
}

static int on_close(nghttp2_session *session, int32_t stream, uint32_t error, void *user) {
    (void)error; (void)user;
    struct call *call = nghttp2_session_get_stream_user_data(session, stream);
    if (call) call->closed = 1;
    return 0;
}

/* A unary gRPC call: `message` is the serialized request; on return `call`
 * holds the response's bytes (without the 5-byte gRPC frame header) and
 * status. Returns 0 when the exchange completed at the HTTP/2 level. */
static int unary(const char *address, const char *path, const char *token,
                 const uint8_t *message, size_t message_length, struct call *call) {
    memset(call, 0, sizeof *call);
    call->grpc_status = -1;
    int fd = connect_to(address);
    if (fd < 0) { fprintf(stderr, "cannot connect to %s\n", address); return -1; }

    /* gRPC's length-prefixed message: flag 0 (not compressed), 4-byte big-endian length. */
    call->request_length = 5 + message_length;
    call->request = malloc(call->request_length);
    call->request[0] = 0;
    uint32_t be = htonl((uint32_t)message_length);
    memcpy(call->request + 1, &be, 4);
    memcpy(call->request + 5, message, message_length);

    nghttp2_session_callbacks *callbacks;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_send_callback(callbacks, on_send);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, on_data);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, on_close);
    nghttp2_session *session;
    nghttp2_session_client_new(&session, callbacks, &fd);
    nghttp2_session_callbacks_del(callbacks);
    nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, NULL, 0);

    char authorization[4096];
    nghttp2_nv headers[8];
    size_t count = 0;
#define HEADER(n, v) headers[count++] = (nghttp2_nv){(uint8_t *)(n), (uint8_t *)(v), strlen(n), strlen(v), NGHTTP2_NV_FLAG_NONE}
    HEADER(":method", "POST");
    HEADER(":scheme", "http");
    HEADER(":path", path);
    HEADER(":authority", address);
    HEADER("content-type", "application/grpc+proto");
    HEADER("te", "trailers");
    HEADER("accept-language", "en");
    if (token) {
        snprintf(authorization, sizeof authorization, "Bearer %s", token);
        HEADER("authorization", authorization);
    }
#undef HEADER
    nghttp2_data_provider body = {.source.ptr = call, .read_callback = read_request};
    if (nghttp2_submit_request(session, NULL, headers, count, &body, call) < 0) return -1;

    uint8_t buffer[16384];
    int result = 0;
    while (!call->closed) {
        if (nghttp2_session_send(session) != 0) { result = -1; break; }
        ssize_t received = recv(fd, buffer, sizeof buffer, 0);
        if (received <= 0) { result = -1; break; }
        if (nghttp2_session_mem_recv(session, buffer, (size_t)received) < 0) { result = -1; break; }
    }
    nghttp2_session_terminate_session(session, NGHTTP2_NO_ERROR);
    nghttp2_session_send(session);
    nghttp2_session_del(session);
    close(fd);
    free(call->request);
    call->request = NULL;

    /* Strip the response's frame header; one message per unary response. */
    if (call->response_length >= 5) {
        uint32_t length;
        memcpy(&length, call->response + 1, 4);
        length = ntohl(length);
        if (call->response[0] != 0 || length != call->response_length - 5) return -1;
        memmove(call->response, call->response + 5, length);
        call->response_length = length;
    }
    return result;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s IDENTITY_HOST:PORT JOBS_HOST:PORT USERNAME  (password on stdin)\n", argv[0]);
        return 1;
    }
    char password[256];
    if (!fgets(password, sizeof password, stdin)) { fprintf(stderr, "no password on stdin\n"); return 1; }
    password[strcspn(password, "\r\n")] = '\0';

    /* 1. Login. */
    Nomad__Identity__V1__LoginRequest login = NOMAD__IDENTITY__V1__LOGIN_REQUEST__INIT;
    login.username = argv[3];
    login.password = password;
    size_t length = nomad__identity__v1__login_request__get_packed_size(&login);
    uint8_t *packed = malloc(length);
    nomad__identity__v1__login_request__pack(&login, packed);
    struct call call;
    if (unary(argv[1], "/nomad.identity.v1.IdentityService/Login", NULL, packed, length, &call) != 0
        || call.grpc_status != 0) {
        fprintf(stderr, "login failed: http %d grpc-status %d %s\n", call.http_status, call.grpc_status, call.grpc_message);
        return 1;
    }
    free(packed);
    Nomad__Identity__V1__TokenPair *tokens =
        nomad__identity__v1__token_pair__unpack(NULL, call.response_length, call.response);
    free(call.response);
    if (!tokens || !tokens->access_token || !*tokens->access_token) { fprintf(stderr, "no access token\n"); return 1; }
    printf("login: ok as %s (role %d), access token of %zu bytes\n",
           tokens->account ? tokens->account->username : "?", tokens->account ? (int)tokens->account->role : -1,
           strlen(tokens->access_token));

    /* 2. Open jobs, with identity's token (jobs verifies it offline). */
    Nomad__Jobs__V1__ListJobsRequest list = NOMAD__JOBS__V1__LIST_JOBS_REQUEST__INIT;
    Nomad__Common__V1__PageRequest page = NOMAD__COMMON__V1__PAGE_REQUEST__INIT;
    page.page_size = 50;
    list.page = &page;
    length = nomad__jobs__v1__list_jobs_request__get_packed_size(&list);
    packed = malloc(length);
    nomad__jobs__v1__list_jobs_request__pack(&list, packed);
    if (unary(argv[2], "/nomad.jobs.v1.JobsService/ListJobs", tokens->access_token, packed, length, &call) != 0
        || call.grpc_status != 0) {
        fprintf(stderr, "ListJobs failed: http %d grpc-status %d %s\n", call.http_status, call.grpc_status, call.grpc_message);
        return 1;
    }
    Nomad__Jobs__V1__ListJobsResponse *jobs =
        nomad__jobs__v1__list_jobs_response__unpack(NULL, call.response_length, call.response);
    free(call.response);
    if (!jobs) { fprintf(stderr, "cannot parse ListJobsResponse\n"); return 1; }
    printf("open jobs: %zu\n", jobs->n_jobs);
    for (size_t i = 0; i < jobs->n_jobs; i++) {
        Nomad__Jobs__V1__Job *job = jobs->jobs[i];
        printf("  %s  %s  seats %d/%d\n", job->job_id, job->title, job->seats_taken, job->seats);
    }
    nomad__jobs__v1__list_jobs_response__free_unpacked(jobs, NULL);

    /* 3. A person's own orders without a token are refused, with a readable
     * message (the open-jobs listing itself is public since the portal). */
    if (unary(argv[2], "/nomad.jobs.v1.JobsService/ListOrders", NULL, packed, 0, &call) != 0) return 1;
    free(call.response);
    free(packed);
    if (call.grpc_status != 16) {
        fprintf(stderr, "ListOrders without a token: grpc-status %d, expected 16 (UNAUTHENTICATED)\n", call.grpc_status);
        return 1;
    }
    printf("without a token: UNAUTHENTICATED (%s)\n", call.grpc_message);
    nomad__identity__v1__token_pair__free_unpacked(tokens, NULL);
    return 0;
}
