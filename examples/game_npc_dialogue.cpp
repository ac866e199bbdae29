// game_npc_dialogue.cpp — a shopkeeper NPC that picks its reply by meaning, not by keywords.
//
// Built the way a game engine vendors a library: only the semvec headers copied into the game's tree (the
// build copies include/semvec into vendor/), compiled with -fno-exceptions -fno-rtti, errors checked as
// values. Each reply has a few example player lines ("intents"), embedded once at load time. At run time the
// player's line is embedded and compared with every intent: one small encode and one matrix-vector product.
// A fixed per-call time budget keeps the frame safe: if a call ever takes longer (a cold cache, a huge input),
// the NPC says a stock line instead of stalling the game loop.
#include <semvec/model/model.hpp>
#include <semvec/result.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Reply {
    const char* line;                  // what the NPC says
    std::vector<std::string> intents;  // what a player might say to get it
};

const std::vector<Reply> kReplies = {
    {"Finest blades in the valley. Ten gold for a sword, five for a dagger.",
     {"buy a sword", "weapons and armor for sale", "shop prices for axes and shields"}},
    {"Rooms are upstairs. A bed and a hot meal for two silver.",
     {"a room to sleep tonight", "tired and need a bed", "inn with food and rest"}},
    {"The dragon was last seen near the northern mountains. Bring fire potions.",
     {"tell me about the dragon", "quest to kill the monster", "rumors of a beast attacking villages"}},
    {"Storm's coming from the sea. I'd stay indoors tonight if I were you.",
     {"weather today", "will it rain or snow", "storm and wind coming"}},
    {"Safe travels, friend. Come back with gold!", {"goodbye", "farewell, see you later", "leaving now, bye"}},
};

const char* const kStockLine = "Hm? Say that again, traveller.";

class Npc {
public:
    /// Loads the model and embeds every intent once. Returns an error instead of throwing.
    static semvec::Result<Npc> create(const std::string& model_path, std::chrono::microseconds budget) {
        auto model = semvec::load_model(model_path);
        if (!model) return model.error();
        std::vector<std::string> intents;
        std::vector<std::size_t> owner;
        for (std::size_t r = 0; r < kReplies.size(); ++r)
            for (const auto& s : kReplies[r].intents) {
                intents.push_back(s);
                owner.push_back(r);
            }
        auto vectors = model->encode(intents);
        if (!vectors) return vectors.error();
        // Averaged word vectors share a large common part (from "the", "a", "is" ...); removing the mean
        // intent lets the content words decide.
        Eigen::RowVectorXf mean = vectors->colwise().mean();
        semvec::Matrix unit = (vectors->rowwise() - mean).rowwise().normalized();
        return Npc(std::move(*model), std::move(unit), std::move(mean), std::move(owner), budget);
    }

    /// The reply to one player line, within the time budget (the stock line when over it).
    const char* answer(const std::string& player_line, double& micros, bool& over_budget) const {
        const auto t0 = std::chrono::steady_clock::now();
        auto q = model_.encode({player_line});
        const char* reply = kStockLine;
        if (q && q->row(0).norm() > 0) {
            const Eigen::VectorXf scores = intents_ * (q->row(0) - mean_).normalized().transpose();
            Eigen::Index best = 0;
            scores.maxCoeff(&best);
            reply = kReplies[owner_[static_cast<std::size_t>(best)]].line;
        }
        const auto spent = std::chrono::steady_clock::now() - t0;
        micros = std::chrono::duration<double, std::micro>(spent).count();
        over_budget = spent > budget_;
        return over_budget ? kStockLine : reply;
    }

private:
    Npc(semvec::Model model, semvec::Matrix intents, Eigen::RowVectorXf mean, std::vector<std::size_t> owner,
        std::chrono::microseconds budget)
        : model_(std::move(model)), intents_(std::move(intents)), mean_(std::move(mean)), owner_(std::move(owner)),
          budget_(budget) {}
    semvec::Model model_;
    semvec::Matrix intents_;  // unit rows, one per intent, centred on mean_
    Eigen::RowVectorXf mean_;
    std::vector<std::size_t> owner_;
    std::chrono::microseconds budget_;
};

}  // namespace

int main(int argc, char** argv) {
    const char* path = argc > 1 ? argv[1] : "models/glove-6B-100d-top20k-f16.safetensors";
    const std::chrono::microseconds budget(argc > 2 ? std::atoi(argv[2]) : 2000);  // 2 ms per call
    auto npc = Npc::create(path, budget);
    if (!npc) return std::fprintf(stderr, "%s\n", npc.error().what().c_str()), 1;

    // Player lines phrased unlike any intent, with the reply each should get.
    const struct { const char* said; std::size_t expect; } kTurns[] = {
        {"Got any swords or shields for sale?", 0},
        {"Can I rent a bed for the night?", 1},
        {"Have you heard anything about the beast in the hills?", 2},
        {"Looks like heavy rain and wind later", 3},
        {"Farewell, I must leave", 4},
    };
    int wrong = 0, late = 0;
    for (const auto& turn : kTurns) {
        double micros = 0;
        bool over = false;
        const char* reply = npc->answer(turn.said, micros, over);
        const bool right = over || std::strcmp(reply, kReplies[turn.expect].line) == 0;
        wrong += !right;
        late += over;
        std::printf("player: %s\n   npc: %s   (%.0f us%s%s)\n", turn.said, reply, micros, over ? ", over budget" : "",
                    right ? "" : ", UNEXPECTED");
    }
    std::printf("%d of %zu replies unexpected, %d over the %lld us budget\n", wrong, sizeof(kTurns) / sizeof(kTurns[0]),
                late, static_cast<long long>(budget.count()));
    return wrong == 0 ? 0 : 1;
}
